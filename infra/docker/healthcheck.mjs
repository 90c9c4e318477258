// The images' HEALTHCHECK: healthy when the service's /health/ready answers 200, i.e. every
// readiness check of the kit passes (database, Kafka, the service's consumers). Copied into each
// image as /app/docker-healthcheck.mjs by build.sh.
const port = process.env.MZ_PORT;
if (!port) {
  process.stderr.write('docker-healthcheck: MZ_PORT is not set\n');
  process.exit(1);
}
try {
  const response = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(4_000) });
  if (!response.ok) process.stderr.write(`docker-healthcheck: /health/ready answered ${response.status}: ${(await response.text()).slice(0, 500)}\n`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`docker-healthcheck: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
