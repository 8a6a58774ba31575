/** Backend choice for dataset jobs; the factory lives in src/model so `solve` shares it. */
export { backendKindFor, createBackend, type BackendKind } from '../../model/backend-factory';
