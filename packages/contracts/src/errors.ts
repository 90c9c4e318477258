/** One problem with a value, named by its path and the rule it breaks. */
export interface FieldProblem {
  /** Dotted path into the event, e.g. `envelope.region.countyCode` or `members[2].person.idNumber`. */
  readonly path: string;
  /** What the rule is, in words. */
  readonly rule: string;
}

export type ContractErrorCode =
  /** The bytes are not Avro single-object encoded (missing C3 01 marker, too short). */
  | 'AVRO_NOT_SINGLE_OBJECT'
  /** The writer schema's fingerprint is not in the registry. */
  | 'AVRO_UNKNOWN_FINGERPRINT'
  /** The body does not decode with the writer schema (truncated, corrupt, trailing bytes). */
  | 'AVRO_CORRUPT_BODY'
  /** A value does not conform to its schema. */
  | 'AVRO_INVALID_VALUE'
  /** No event of this type in the catalog. */
  | 'AVRO_UNKNOWN_EVENT_TYPE'
  /** The writer schema cannot be read with the reader schema. */
  | 'AVRO_INCOMPATIBLE_SCHEMA'
  /** A personal field cannot be encrypted or decrypted (unknown key id, tampered, not a token). */
  | 'AVRO_PII_PROTECTION';

/**
 * The contracts' one error type: a code from the table in the package README, a message, and
 * the problems by field. Never thrown for a programming bug; those stay plain errors.
 */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    readonly code: ContractErrorCode,
    message: string,
    readonly problems: readonly FieldProblem[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
