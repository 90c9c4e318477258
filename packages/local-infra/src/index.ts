export { loadInfraConfig, findRepoRoot, KAFKA_VERSION, FERRETDB_VERSION, type InfraConfig } from './config.js';
export { InfraError } from './errors.js';
export { up, down, status, reset, COMPONENTS, type Component, type UpResult, type ComponentStatus } from './infra.js';
export { inspectKafkaDataDir, serverProperties, kafkaVersionFromLog, diagnoseKafkaFailure } from './kafka.js';
export { pingMongo, localMongoUrl, ensureFerretdbBinary, ferretdbBuildLabel, ferretdbPatches, type MongoServerInfo } from './ferretdb.js';
export { consoleReporter, silentReporter, type Reporter } from './reporter.js';
