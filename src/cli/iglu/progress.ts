/**
 * Progress on the terminal: a redrawn bar when stdout is a TTY, otherwise one plain line per
 * `every` items (logs and CI keep readable output).
 */
export interface Progress {
  tick(n: number, note?: string): void;
  done(note?: string): void;
}

const WIDTH = 30;

export function progress(label: string, total: number, { every = 5000 }: { every?: number } = {}): Progress {
  const started = performance.now();
  const tty = process.stdout.isTTY === true;
  let count = 0;
  let lastLine = 0;
  const rate = () => Math.round(count / Math.max((performance.now() - started) / 1000, 1e-3));
  const render = (note: string) => {
    const share = total === 0 ? 1 : Math.min(count / total, 1);
    const filled = Math.round(share * WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    process.stdout.write(
      `\r${label} ${bar} ${String(Math.round(share * 100)).padStart(3)}% ${count}/${total} ${rate()}/s ${note}\x1b[K`,
    );
  };
  return {
    tick(n, note = '') {
      count += n;
      if (tty) render(note);
      else if (count - lastLine >= every || count >= total) {
        lastLine = count;
        console.info(`${label}: ${count}/${total} (${rate()}/s) ${note}`.trimEnd());
      }
    },
    done(note = '') {
      if (tty) {
        render(note);
        process.stdout.write('\n');
      } else if (lastLine !== count)
        console.info(`${label}: ${count}/${total} (${rate()}/s) ${note}`.trimEnd());
    },
  };
}
