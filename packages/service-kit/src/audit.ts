/**
 * The access audit: every response that shows a person's data in clear is recorded (who, when,
 * which record, why, which request) in an append-only collection of the service's database. The
 * code only ever inserts into it; nothing in the platform updates or deletes audit records.
 *
 * "Why" is the `X-Access-Purpose` header (访问事由), free text up to 200 characters; a missing
 * purpose is recorded as such, so supervisors can see reads without one.
 */
import type { FastifyRequest } from 'fastify';
import type { Connection } from 'mongoose';

export const PURPOSE_HEADER = 'x-access-purpose';

export interface AccessRecord {
  readonly at: Date;
  readonly subject: string;
  readonly roles: readonly string[];
  readonly action: 'read' | 'export' | 'write';
  /** e.g. `household`, `application`. */
  readonly resource: string;
  readonly resourceId: string;
  /** Pseudonyms of the persons whose data was shown. */
  readonly personKeys: readonly string[];
  readonly purpose: string | null;
  readonly requestId: string;
}

export class AccessAudit {
  constructor(
    private readonly connection: Connection,
    private readonly collection = 'access_audit',
  ) {}

  /** Records one access by the request's caller. */
  async record(request: FastifyRequest, entry: Pick<AccessRecord, 'action' | 'resource' | 'resourceId' | 'personKeys'>): Promise<void> {
    const purpose = request.headers[PURPOSE_HEADER];
    const record: AccessRecord = {
      at: new Date(),
      subject: request.principal?.subject ?? 'anonymous',
      roles: request.principal?.roles ?? [],
      ...entry,
      purpose: typeof purpose === 'string' && purpose !== '' ? decodeURIComponentSafe(purpose).slice(0, 200) : null,
      requestId: request.id,
    };
    await this.connection.collection<AccessRecord>(this.collection).insertOne({ ...record });
  }

  /** The records about one person, newest first (for supervisors and data subjects). */
  async about(personKey: string, limit = 100): Promise<AccessRecord[]> {
    return this.connection.collection<AccessRecord>(this.collection).find({ personKeys: personKey }, { projection: { _id: 0 } }).sort({ at: -1 }).limit(limit).toArray();
  }
}

/** Header values are ASCII: clients send Chinese purposes percent-encoded. */
function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
