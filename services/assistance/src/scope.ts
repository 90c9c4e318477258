/**
 * Jurisdiction scoping for queries: a region-code prefix as a range (`442000100` matches
 * `442000100000`..`442000100999`), which uses the region index on MongoDB and FerretDB alike
 * (`:` sorts right after `9`).
 */
export function regionScope(jurisdiction: string): { $gte: string; $lt: string } {
  return { $gte: jurisdiction, $lt: `${jurisdiction}:` };
}

/** Pagination as every list route takes it. */
export interface Page {
  readonly page: number;
  readonly pageSize: number;
}

export interface PageResult<T> {
  readonly items: T[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
}
