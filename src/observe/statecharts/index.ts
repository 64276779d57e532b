// Statechart export and rendering: machine definition → JSON, graph, Mermaid, SVG.
export { activeStatePaths, type StateValueLike } from './active.js';
export { chartDefinition, type Json, type MachineLike } from './definition.js';
export {
  GENERATED_EXTENSIONS,
  STATECHART_DIR,
  statechartFiles,
  type ChartSource,
  type GeneratedFile,
  type StatechartFilesResult,
} from './files.js';
export {
  chartGraph,
  ROOT,
  type ChartDecodeError,
  type ChartGraph,
  type ChartGraphResult,
  type ChartState,
  type ChartTransition,
  type StateKind,
} from './graph.js';
export { mermaidChart } from './mermaid.js';
export { stableJson } from './stable-json.js';
export { svgChart, type SvgOptions } from './svg.js';
