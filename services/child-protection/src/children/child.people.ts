/** The people of a stored child as events carry them (decrypted here, encrypted again by the publisher). */
import type { ChildGuardian, PersonRef } from '@minzheng/contracts';
import type { Keyring } from '@minzheng/identity/field-crypto';
import { CAN_GUARD } from '../domain/guardianship.js';
import { childContext, guardianContext, unseal } from '../protect.js';
import type { StoredChild, StoredGuardian } from './child.schema.js';

export function childRef(keyring: Keyring, child: StoredChild): PersonRef {
  return { personKey: child.personKey, idNumber: unseal(keyring, child.idNumber, childContext(child._id, 'idNumber')), name: unseal(keyring, child.name, childContext(child._id, 'name')) };
}

export function guardianRef(keyring: Keyring, child: StoredChild, guardian: StoredGuardian): PersonRef {
  return {
    personKey: guardian.personKey,
    idNumber: unseal(keyring, guardian.idNumber, guardianContext(child._id, guardian.personKey, 'idNumber')),
    name: unseal(keyring, guardian.name, guardianContext(child._id, guardian.personKey, 'name')),
  };
}

export function eventGuardians(keyring: Keyring, child: StoredChild): ChildGuardian[] {
  return child.guardians.map((guardian) => ({ person: guardianRef(keyring, child, guardian), relation: guardian.relation, livesWithChild: guardian.livesWithChild, situation: guardian.situation }));
}

/** Who receives the allowance: a guardian who can exercise guardianship (living with the child first), else the institution. */
export function payeeOf(child: StoredChild): { guardian: StoredGuardian | null; institutionId: string | null } {
  const able = child.guardians.filter((guardian) => CAN_GUARD.includes(guardian.situation));
  const guardian = able.find((candidate) => candidate.livesWithChild) ?? able[0] ?? null;
  if (child.category === 'INSTITUTIONAL_ORPHAN' && child.institutionId !== null) return { guardian: null, institutionId: child.institutionId };
  if (guardian !== null) return { guardian, institutionId: null };
  return { guardian: null, institutionId: child.institutionId };
}
