// The MetalLB operator's `MetalLB` object (metallb.io/v1beta1): the parts Herald honours are
// bgpBackend, logLevel, nodeSelector and frrk8sConfig.alwaysBlock; deployment tuning fields are
// accepted and left to the deployment.
import { z } from 'zod';

export const metalLBSpec = z.strictObject({
  bgpBackend: z.enum(['native', 'frr', 'frr-k8s', 'frr-k8s-external']).optional(),
  logLevel: z.enum(['all', 'debug', 'info', 'warn', 'error', 'none']).optional(),
  nodeSelector: z.record(z.string(), z.string()).optional(),
  controllerNodeSelector: z.record(z.string(), z.string()).optional(),
  speakerTolerations: z.array(z.unknown()).optional(),
  controllerTolerations: z.array(z.unknown()).optional(),
  speakerConfig: z.record(z.string(), z.unknown()).optional(),
  controllerConfig: z.record(z.string(), z.unknown()).optional(),
  loadBalancerClass: z.string().optional(),
  frrk8sConfig: z.strictObject({ alwaysBlock: z.array(z.string()).optional() }).optional(),
});

export type MetalLBSpec = z.infer<typeof metalLBSpec>;
