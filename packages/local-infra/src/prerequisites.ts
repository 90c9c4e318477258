import { spawnSync } from 'node:child_process';
import { InfraError } from './errors.js';

interface Tool {
  readonly command: string;
  readonly args: readonly string[];
  /** Extracts [major, minor] from the version output. */
  readonly parse: (output: string) => [number, number] | undefined;
  readonly minimum: [number, number];
  readonly why: string;
  readonly install: string;
}

const TOOLS = {
  java: {
    command: 'java',
    args: ['-version'],
    parse: (output) => {
      const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
      return match ? [Number(match[1]), Number(match[2] ?? 0)] : undefined;
    },
    minimum: [17, 0],
    why: 'runs the Apache Kafka broker',
    install: 'Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless   (macOS: brew install openjdk@17)',
  },
  mvn: {
    command: 'mvn',
    args: ['-v'],
    parse: (output) => {
      const match = /Apache Maven (\d+)\.(\d+)/.exec(output);
      return match ? [Number(match[1]), Number(match[2])] : undefined;
    },
    minimum: [3, 6],
    why: 'fetches the Kafka broker jars from Maven Central (once)',
    install: 'Debian/Ubuntu: sudo apt-get install -y maven   (macOS: brew install maven)',
  },
  go: {
    command: 'go',
    args: ['version'],
    parse: (output) => {
      const match = /go(\d+)\.(\d+)/.exec(output);
      return match ? [Number(match[1]), Number(match[2])] : undefined;
    },
    minimum: [1, 24],
    why: 'builds FerretDB, the MongoDB-compatible store (once)',
    install: 'Go 1.24 or newer from https://go.dev/dl/ (Debian 12 ships an older golang-go; use the tarball or backports)',
  },
} as const satisfies Record<string, Tool>;

export type ToolName = keyof typeof TOOLS;

/** Checks a tool is installed and new enough; throws an InfraError telling how to install it. */
export function requireTool(name: ToolName): string {
  const tool: Tool = TOOLS[name];
  const result = spawnSync(tool.command, tool.args, {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local' },
  });
  if (result.error) {
    throw new InfraError(`${tool.command} is not installed (it ${tool.why})`, tool.install);
  }
  const output = `${result.stdout}${result.stderr}`;
  const version = tool.parse(output);
  const [major, minor] = tool.minimum;
  if (!version || version[0] < major || (version[0] === major && version[1] < minor)) {
    const found = version ? version.join('.') : 'an unknown version';
    throw new InfraError(`${tool.command} ${major}.${minor} or newer is needed (it ${tool.why}); found ${found}`, tool.install);
  }
  return version.join('.');
}
