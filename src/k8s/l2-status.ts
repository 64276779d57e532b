// ServiceL2Status objects (MetalLB 0.14+): one per Service this node announces in layer 2, its
// status naming the interfaces it answers on (src/k8s/service-status.ts does the writing).
import type { Layer2Announcement } from '../ports/announcer.js';
import {
  L2_STATUS,
  ServiceStatusWriter,
  STATUS_LABELS,
  statusName,
  type StatusOptions,
} from './service-status.js';

export const L2_STATUS_LABELS = STATUS_LABELS;

export interface L2StatusOptions extends StatusOptions {
  /** The interfaces an announcement uses (empty in the announcement = every usable one). */
  readonly interfacesOf: (announcement: Layer2Announcement) => readonly string[];
}

export const l2StatusName = (node: string, service: string): string => statusName(L2_STATUS, node, service);

export class L2StatusReporter extends ServiceStatusWriter<Layer2Announcement> {
  constructor(options: L2StatusOptions) {
    super(L2_STATUS, options, (a) => ({ interfaces: options.interfacesOf(a).map((name) => ({ name })) }));
  }
}
