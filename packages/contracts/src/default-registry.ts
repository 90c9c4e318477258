import { CATALOG } from './generated/catalog.js';
import { ContractRegistry } from './registry.js';

let registry: ContractRegistry | undefined;

/** The registry of this build's catalog, built once on first use (parsing every schema takes a few ms). */
export function contractRegistry(): ContractRegistry {
  registry ??= new ContractRegistry(CATALOG);
  return registry;
}
