import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thrownBy } from '@minzheng/testing';
import { describe, expect, it } from 'vitest';
import { loadInfraConfig, type InfraConfig } from './config.js';
import { InfraError } from './errors.js';
import { diagnoseKafkaFailure, inspectKafkaDataDir, kafkaVersionFromLog, parseProperties, serverProperties } from './kafka.js';

function tempConfig(): InfraConfig {
  const root = mkdtempSync(join(tmpdir(), 'mz-kafka-unit-'));
  writeFileSync(join(root, 'pnpm-workspace.yaml'), '');
  return loadInfraConfig({}, root);
}

function writeDataDir(config: InfraConfig, files: Record<string, string>): void {
  mkdirSync(config.kafka.dataDir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(config.kafka.dataDir, name), content);
}

const META = 'version=1\nnode.id=1\ncluster.id=dU7hbOdyBtQgmvxGj5Cofw\ndirectory.id=abc\n';

const inspectionError = (config: InfraConfig): InfraError => thrownBy(InfraError, () => inspectKafkaDataDir(config));

describe('inspectKafkaDataDir', () => {
  it('calls a missing or empty data dir empty (to be formatted)', () => {
    const config = tempConfig();
    expect(inspectKafkaDataDir(config)).toEqual({ kind: 'empty' });
    mkdirSync(config.kafka.dataDir, { recursive: true });
    expect(inspectKafkaDataDir(config)).toEqual({ kind: 'empty' });
  });

  it('accepts a formatted data dir and reads its cluster id', () => {
    const config = tempConfig();
    writeDataDir(config, { 'meta.properties': META, 'bootstrap.checkpoint': '' });
    expect(inspectKafkaDataDir(config)).toEqual({ kind: 'formatted', clusterId: 'dU7hbOdyBtQgmvxGj5Cofw' });
  });

  it('refuses files without meta.properties as half-formatted, with the reset command as the fix', () => {
    const config = tempConfig();
    writeDataDir(config, { 'leftover.log': 'x' });
    const error = inspectionError(config);
    expect(error.message).toContain('half-formatted');
    expect(error.fix).toContain('./mz infra reset kafka --yes');
  });

  it('refuses meta.properties without a valid cluster id as corrupt', () => {
    const config = tempConfig();
    writeDataDir(config, { 'meta.properties': 'version=1\nnode.id=1\ncluster.id=short\n', 'bootstrap.checkpoint': '' });
    expect(inspectionError(config).message).toContain('corrupt');
  });

  it('refuses a data dir of another node', () => {
    const config = tempConfig();
    writeDataDir(config, { 'meta.properties': META.replace('node.id=1', 'node.id=3'), 'bootstrap.checkpoint': '' });
    expect(inspectionError(config).message).toContain('belongs to node 3');
  });

  it('refuses meta.properties without the KRaft bootstrap checkpoint as half-formatted', () => {
    const config = tempConfig();
    writeDataDir(config, { 'meta.properties': META });
    expect(inspectionError(config).message).toContain('bootstrap checkpoint is missing');
  });
});

describe('serverProperties', () => {
  it('describes a loopback single-node KRaft broker whose replication factors are all 1', () => {
    const config = tempConfig();
    const properties = parseProperties(serverProperties(config, 19_092, 19_093));
    expect(properties.get('process.roles')).toBe('broker,controller');
    expect(properties.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
    expect(properties.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(properties.get('log.dirs')).toBe(config.kafka.dataDir);
    for (const key of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'default.replication.factor']) {
      expect(properties.get(key)).toBe('1');
    }
    expect(properties.get('auto.create.topics.enable')).toBe('false');
  });
});

describe('kafkaVersionFromLog', () => {
  it('takes the newest version banner', () => {
    const log = '[x] INFO Kafka version: 3.8.0 (AppInfoParser)\n...\n[y] INFO Kafka version: 3.9.1 (AppInfoParser)\n';
    expect(kafkaVersionFromLog(log)).toBe('3.9.1');
    expect(kafkaVersionFromLog('nothing here')).toBeUndefined();
  });
});

describe('diagnoseKafkaFailure', () => {
  const config = tempConfig();

  it('turns a storage complaint into the reset fix', () => {
    const error = diagnoseKafkaFailure(config, 'the broker process exited', 'ERROR Exiting Kafka due to fatal exception: No `meta.properties` found');
    expect(error.fix).toContain('reset kafka');
  });

  it('turns a bind failure into a port fix', () => {
    const error = diagnoseKafkaFailure(config, 'exited', 'org.apache.kafka.common.KafkaException: Socket server failed to bind: Address already in use');
    expect(error.fix).toContain('MZ_KAFKA_PORT');
  });

  it('points at the heap setting on OutOfMemoryError', () => {
    expect(diagnoseKafkaFailure(config, 'exited', 'java.lang.OutOfMemoryError: Java heap space').fix).toContain('MZ_KAFKA_HEAP');
  });

  it('always says where the full log is', () => {
    expect(diagnoseKafkaFailure(config, 'exited', 'something else').fix).toContain('kafka.log');
  });
});
