/** The person a flag is about, as its events name them. */
import type { PersonRef } from '@minzheng/contracts';
import { decryptField, type Keyring } from '@minzheng/identity/field-crypto';
import type { mongo } from 'mongoose';
import { aadOf, type SubjectSummaryDocument } from '../projection/fold.js';
import type { FlagDocument } from './flag.schema.js';

/** The ID number decrypted from the thematic database for the event's envelope; null for a household (or a person without one). */
export async function flagPersonRef(persons: mongo.Collection<SubjectSummaryDocument>, keyring: Keyring, document: FlagDocument): Promise<PersonRef | null> {
  if (document.subjectKind !== 'person') return null;
  const person = await persons.findOne({ _id: document.subjectKey });
  if (person?.idNumber === null || person?.idNumber === undefined) return null;
  return { personKey: person._id, idNumber: decryptField(keyring, person.idNumber, aadOf('person', person._id, 'idNumber')), name: null };
}
