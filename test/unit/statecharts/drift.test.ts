// statecharts/ is generated from src/machines/registry.ts: the committed files must be exactly
// what the exporter writes now, and every machine's chart must show all of its states and events.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AnyStateMachine } from 'xstate';
import { machines } from '../../../src/machines/registry.js';
import {
  chartDefinition,
  chartGraph,
  GENERATED_EXTENSIONS,
  mermaidChart,
  STATECHART_DIR,
  statechartFiles,
  svgChart,
  type ChartGraph,
} from '../../../src/observe/statecharts/index.js';
import { allElements, classes, parseXml } from './xml.js';

const ROOT_DIR = join(import.meta.dirname, '..', '..', '..');
const REGENERATE = 'run `node --import tsx scripts/export-statecharts.ts` (npm run gen:statecharts)';

const graphOf = (machine: AnyStateMachine): ChartGraph => {
  const decoded = chartGraph(chartDefinition(machine));
  assert.ok(decoded.ok, decoded.ok ? '' : `${decoded.error.field}: ${decoded.error.message}`);
  return decoded.graph;
};

/** State paths and transition count straight from XState's state nodes (not via toJSON). */
function walkMachine(machine: AnyStateMachine): { paths: string[]; transitions: number } {
  const paths: string[] = [];
  let transitions = 0;
  const visit = (node: AnyStateMachine['root'], path: string): void => {
    transitions += [...node.transitions.values()].flat().length + (node.always?.length ?? 0);
    for (const [key, child] of Object.entries(node.states)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      paths.push(childPath);
      visit(child, childPath);
    }
  };
  visit(machine.root, '');
  return { paths, transitions };
}

describe('committed statecharts', () => {
  it('statecharts/ holds exactly what scripts/export-statecharts.ts generates', () => {
    const generated = statechartFiles(machines);
    assert.ok(generated.ok, generated.ok ? '' : generated.error);
    for (const file of generated.files) {
      let committed: string | undefined;
      try {
        committed = readFileSync(join(ROOT_DIR, file.path), 'utf8');
      } catch {
        committed = undefined;
      }
      assert.ok(committed !== undefined, `${file.path} is missing: ${REGENERATE}`);
      assert.ok(committed === file.content, `${file.path} is stale: ${REGENERATE}`);
    }
    const expected = generated.files.map((f) => f.path.slice(STATECHART_DIR.length + 1)).sort();
    const owned = readdirSync(join(ROOT_DIR, STATECHART_DIR))
      .filter((name) => name === 'README.md' || GENERATED_EXTENSIONS.some((ext) => name.endsWith(ext)))
      .sort();
    assert.deepEqual(owned, expected, `statecharts/ has files no registered machine generates: ${REGENERATE}`);
  });

  it('one JSON, Mermaid and SVG file per registered machine, and a README section each', () => {
    const generated = statechartFiles(machines);
    assert.ok(generated.ok);
    const readme = generated.files.find((f) => f.path === `${STATECHART_DIR}/README.md`)?.content ?? '';
    for (const { id, description } of machines) {
      for (const ext of GENERATED_EXTENSIONS)
        assert.ok(generated.files.some((f) => f.path === `${STATECHART_DIR}/${id}${ext}`), `${id}${ext}`);
      assert.match(readme, new RegExp(`^## ${id}$`, 'm'));
      assert.ok(readme.includes(description), `README describes ${id}`);
      assert.ok(readme.includes(`](${id}.svg)`), `README links ${id}.svg`);
      assert.ok(readme.includes(mermaidChart(graphOf(machines.find((m) => m.id === id)!.machine)).trimEnd()));
    }
    assert.equal(readme.match(/^```mermaid$/gm)?.length, machines.length);
  });
});

describe('charts of the registered machines', () => {
  for (const { id, machine } of machines) {
    describe(id, () => {
      const graph = graphOf(machine);
      const walked = walkMachine(machine);

      it('the graph has every state node and every transition of the machine', () => {
        assert.deepEqual(graph.states.map((s) => s.path).sort(), [...walked.paths].sort());
        // One graph transition per XState transition (a multi-target one counts once).
        assert.equal(graph.transitions.length, walked.transitions);
      });

      it('every state appears in the SVG once, as a g.state with its data-state', () => {
        const svg = parseXml(svgChart(graph));
        const groups = allElements(svg).filter((e) => e.name === 'g' && classes(e).includes('state'));
        const drawn = groups.map((g) => g.attributes.get('data-state') ?? '(none)').sort();
        assert.deepEqual(drawn, [...walked.paths].sort());
      });

      it("every transition's event appears in the Mermaid text", () => {
        const mermaid = mermaidChart(graph);
        const arrows = mermaid.split('\n').filter((line) => line.includes(' --> ') && !line.includes('[*]'));
        for (const t of graph.transitions) {
          const event = t.event.replace(/[#:;"<>]/g, (c) => `#${c.charCodeAt(0)};`);
          assert.ok(
            arrows.some((line) => line.includes(` : ${event}`)),
            `${id}: ${t.source || '(machine)'} --${t.event}--> missing from the Mermaid`,
          );
        }
        assert.equal(arrows.length, graph.transitions.reduce((n, t) => n + Math.max(1, t.targets.length), 0));
      });
    });
  }
});
