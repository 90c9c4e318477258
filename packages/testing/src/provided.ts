/** What the global setup hands to every integration test (vitest `provide` / `inject`). */
export interface TestServers {
  /** `host:port[,host:port]` of a real Kafka broker. */
  readonly kafkaBrokers: string;
  /** URL of a real MongoDB-wire server (FerretDB or MongoDB), without a database name. */
  readonly mongoUrl: string;
  /** Where they came from: explicit env, testcontainers, or the repo's local processes. */
  readonly source: { readonly kafka: ServerSource; readonly mongo: ServerSource };
  /** The cluster id the broker must report, when the harness knows it (local processes). */
  readonly expectedKafkaClusterId: string | null;
}

export type ServerSource = 'env' | 'containers' | 'local';

declare module 'vitest' {
  export interface ProvidedContext {
    testServers: TestServers;
  }
}
