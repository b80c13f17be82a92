/** A one-line progress bar on stderr for a terminal; plain lines when output is not a terminal. */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr) {
  let lastMessage = '';
  const width = 30;
  return {
    update(fraction: number, message: string) {
      const clamped = Math.min(1, Math.max(0, fraction));
      if (stream.isTTY) {
        const filled = Math.round(clamped * width);
        const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
        stream.write(
          `\r${bar} ${(clamped * 100).toFixed(0).padStart(3)}% ${message}`
            .slice(0, (stream.columns || 100) - 1)
            .padEnd(Math.min(stream.columns || 100, 100) - 1),
        );
      } else if (message !== lastMessage) {
        stream.write(`${(clamped * 100).toFixed(0).padStart(3)}% ${message}\n`);
      }
      lastMessage = message;
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
