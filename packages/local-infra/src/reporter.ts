/** Progress output of long infra operations (downloads, builds, waits). */
export interface Reporter {
  /** A step a person should see. */
  step(message: string): void;
  /** A detail under the current step (a download, a wait tick). */
  detail(message: string): void;
}

/** Writes to stderr, prefixed, with the seconds since the reporter was made. */
export function consoleReporter(prefix = 'infra', stream: NodeJS.WritableStream = process.stderr): Reporter {
  const started = Date.now();
  const stamp = (): string => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  const color = stream === process.stderr && process.stderr.isTTY;
  const dim = (text: string): string => (color ? `\u001b[2m${text}\u001b[22m` : text);
  const tag = color ? `\u001b[36m[${prefix}]\u001b[39m` : `[${prefix}]`;
  return {
    step: (message) => stream.write(`${tag} ${dim(stamp())} ${message}\n`),
    detail: (message) => stream.write(`${tag} ${dim(`${stamp()}   ${message}`)}\n`),
  };
}

export const silentReporter: Reporter = { step: () => undefined, detail: () => undefined };
