/**
 * The demo city through the services' real APIs, one loader per service, in this order (later
 * loaders may rely on what earlier ones created, e.g. standards before applications).
 */
import type { Loader } from './context.js';

export const LOADERS: readonly { readonly name: string; readonly title: string; readonly load: Loader }[] = [];
