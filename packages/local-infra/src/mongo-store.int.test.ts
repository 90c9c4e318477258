/**
 * Proof that the integration tests talk to a real MongoDB-wire store (FerretDB here, MongoDB
 * where Docker runs): a mongoose model round trip, a unique index that refuses a duplicate with
 * the duplicate-key error, and the server's own buildInfo.
 */
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMongoUrl, testServers, uniqueDatabaseName } from '@minzheng/testing';

interface Resident {
  personKey: string;
  regionCode: string;
  programs: string[];
  monthlyBenefitFen: number;
  enrolledAt: Date;
}

const residentSchema = new Schema<Resident>(
  {
    personKey: { type: String, required: true },
    regionCode: { type: String, required: true },
    programs: { type: [String], default: [] },
    monthlyBenefitFen: { type: Number, required: true, min: 0 },
    enrolledAt: { type: Date, required: true },
  },
  { collection: 'residents', autoIndex: false },
);
// One resident per pseudonymous person key.
residentSchema.index({ personKey: 1 }, { unique: true });

let connection: Connection;
let Residents: Model<Resident>;
const database = uniqueDatabaseName('proof');

beforeAll(async () => {
  connection = await mongoose.createConnection(testMongoUrl(database), { serverSelectionTimeoutMS: 10_000 }).asPromise();
  Residents = connection.model<Resident>('Resident', residentSchema);
  await Residents.createIndexes();
});

afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

describe('the MongoDB-wire store of the integration tests', () => {
  it('is a real server that answers buildInfo (FerretDB when it is the local process)', async () => {
    const info = await connection.db!.admin().buildInfo();
    expect(String(info.version)).toMatch(/^\d+\.\d+/);
    if (testServers().source.mongo === 'local') expect(info).toHaveProperty('ferretdbVersion');
  });

  it('round-trips a mongoose model: create, read lean, update, count', async () => {
    const enrolledAt = new Date('2026-01-15T00:00:00.000Z');
    await Residents.create([
      { personKey: 'pk-1', regionCode: '442000', programs: ['dibao'], monthlyBenefitFen: 84_600, enrolledAt },
      { personKey: 'pk-2', regionCode: '442000', programs: ['tekun'], monthlyBenefitFen: 176_000, enrolledAt },
    ]);

    const found = await Residents.findOne({ personKey: 'pk-1' }).lean();
    expect(found).toMatchObject({ personKey: 'pk-1', regionCode: '442000', programs: ['dibao'], monthlyBenefitFen: 84_600 });
    expect(found?.enrolledAt.toISOString()).toBe(enrolledAt.toISOString());

    await Residents.updateOne({ personKey: 'pk-1' }, { $inc: { monthlyBenefitFen: 2_000 }, $addToSet: { programs: 'medical-aid' } });
    const updated = await Residents.findOne({ personKey: 'pk-1' }).lean();
    expect(updated?.monthlyBenefitFen).toBe(86_600);
    expect(updated?.programs).toEqual(['dibao', 'medical-aid']);
    expect(await Residents.countDocuments({ regionCode: '442000' })).toBe(2);
  });

  it('refuses a duplicate of a unique index with the duplicate-key error (E11000)', async () => {
    const doc = { personKey: 'pk-dup', regionCode: '442000', monthlyBenefitFen: 0, enrolledAt: new Date() };
    await Residents.create(doc);
    const error = await Residents.create(doc).then(
      () => undefined,
      (reason: unknown) => reason as { code?: number; name?: string },
    );
    expect(error?.code).toBe(11_000);
    expect(error?.name).toBe('MongoServerError');
    expect(await Residents.countDocuments({ personKey: 'pk-dup' })).toBe(1);
  });
});
