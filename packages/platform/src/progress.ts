/**
 * The main job's progress display: one line per step on stderr, a bar that redraws in place on a
 * terminal (and a line every 10 % otherwise, so a log file shows progress too).
 */
export interface Display {
  step(message: string): void;
  bar(step: string, done: number, total: number): void;
  done(message: string): void;
}

export function consoleDisplay(stream: NodeJS.WriteStream = process.stderr): Display {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
  const lastDecile = new Map<string, number>();
  let open = false;
  const close = () => {
    if (open) stream.write('\n');
    open = false;
  };
  return {
    step(message) {
      close();
      stream.write(`\u001b[36m[mz]\u001b[0m ${elapsed()} ${message}\n`);
    },
    bar(step, done, total) {
      const ratio = total === 0 ? 1 : done / total;
      if (stream.isTTY) {
        const width = 30;
        const filled = Math.round(ratio * width);
        stream.write(`\r\u001b[36m[mz]\u001b[0m ${elapsed()} ${step} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done)}/${String(total)}`);
        open = done < total;
        if (!open) stream.write('\n');
        return;
      }
      const decile = Math.floor(ratio * 10);
      if (lastDecile.get(step) !== decile) {
        lastDecile.set(step, decile);
        stream.write(`[mz] ${elapsed()} ${step} ${String(done)}/${String(total)} (${String(decile * 10)} %)\n`);
      }
    },
    done(message) {
      close();
      stream.write(`\u001b[32m[mz]\u001b[0m ${elapsed()} ${message}\n`);
    },
  };
}
