/**
 * An infrastructure problem a person can fix: `message` says what is wrong, `fix` says what to
 * do. The CLI prints both and exits 1; the test harness fails with both.
 */
export class InfraError extends Error {
  override readonly name = 'InfraError';
  constructor(
    message: string,
    readonly fix: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** Message and fix, as printed to a person. */
  describe(): string {
    return `${this.message}\n  fix: ${this.fix.replace(/\n/g, '\n       ')}`;
  }
}
