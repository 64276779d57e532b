// The machines' charts for /debug/statecharts, drawn from the same registry the exporter uses, so
// the page always matches the running code. A machine that cannot be drawn
// gets an empty chart (its actors still list with their states) rather than stopping the speaker.
import { machines } from '../machines/registry.js';
import type { ChartSource } from '../observe/debug-server.js';
import { chartDefinition } from '../observe/statecharts/definition.js';
import { chartGraph } from '../observe/statecharts/graph.js';
import { svgChart } from '../observe/statecharts/svg.js';

export function machineCharts(): ChartSource[] {
  return machines.map((m) => {
    const decoded = chartGraph(chartDefinition(m.machine));
    const svg = decoded.ok ? svgChart(decoded.graph) : `<p>chart unavailable: ${decoded.error.message}</p>`;
    return { id: m.id, description: m.description, svg };
  });
}

/**
 * machineCharts drawn at the first request, then kept: drawing them (dagre layouts) takes ~200 ms
 * and leaves ~14 MiB more RSS, which a speaker nobody opens the visualizer of need not pay.
 */
export function lazyMachineCharts(): () => ChartSource[] {
  let charts: ChartSource[] | undefined;
  return () => (charts ??= machineCharts());
}
