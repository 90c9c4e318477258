/**
 * OpenTelemetry, started before anything else in `server.ts` (instrumentations patch modules as
 * they load): HTTP, Fastify (`@fastify/otel`) and kafkajs spans, W3C trace context through HTTP
 * and — with the event bus's own header propagation — through Kafka, so a request, the events it
 * publishes and the work they cause share one trace.
 *
 * Export follows the standard `OTEL_*` variables. Without `OTEL_EXPORTER_OTLP_ENDPOINT` nothing
 * is exported (trace ids still flow through logs and headers), so a laptop without a collector
 * gets no connection errors.
 */
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NodeSDK } from '@opentelemetry/sdk-node';

export interface TelemetrySettings {
  readonly serviceName: string;
  /** Defaults to `process.env` (the standard OTEL_* variables). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface Telemetry {
  /** Whether spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  shutdown(): Promise<void>;
}

export function startTelemetry(settings: TelemetrySettings): Telemetry {
  const env = settings.env ?? process.env;
  const exporting = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '') !== '';
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url === '/health/live' || request.url === '/metrics' }),
      new FastifyOtelInstrumentation({ registerOnInitialization: true }),
      new KafkaJsInstrumentation(),
    ],
    // No exporter configured: keep spans in-process (no OTLP connection attempts).
    ...(exporting ? {} : { spanProcessors: [], logRecordProcessors: [] }),
  });
  sdk.start();
  return { exporting, shutdown: () => sdk.shutdown() };
}
