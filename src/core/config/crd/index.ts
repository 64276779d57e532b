// CustomResourceDefinitions generated from KINDS (see docs/design/crds.md).
export {
  buildAllCrds,
  buildCrd,
  buildCrds,
  derivedSpecSchema,
  specSchema,
  type CustomResourceDefinition,
  type CrdVersion,
} from './crd.js';
export {
  CRD_DIR,
  CRD_HEADER,
  crdFileName,
  generateCrdFiles,
  renderCrd,
  type GeneratedFile,
} from './render.js';
export { REFINEMENTS, refinementsFor, type KindRefinements } from './rules.js';
export {
  StructuralSchemaError,
  structuralFromJson,
  structuralFromZod,
  type StructuralSchema,
  type ValidationRule,
} from './structural.js';
