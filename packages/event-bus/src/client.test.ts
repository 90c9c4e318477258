import { describe, expect, it } from 'vitest';
import { parseBrokers } from './client.js';

describe('parseBrokers', () => {
  it('splits, trims and keeps host:port entries', () => {
    expect(parseBrokers(' 127.0.0.1:9092, kafka-2.internal:19092 ')).toEqual(['127.0.0.1:9092', 'kafka-2.internal:19092']);
  });

  it.each([
    ['', 'KAFKA_BROKERS is empty'],
    ['localhost', 'KAFKA_BROKERS entry "localhost" is not host:port'],
    ['localhost:0', 'KAFKA_BROKERS entry "localhost:0"'],
    ['localhost:70000', 'KAFKA_BROKERS entry "localhost:70000"'],
    ['a:1,b', 'KAFKA_BROKERS entry "b"'],
  ])('rejects %j, naming the bad entry', (value, message) => {
    expect(() => parseBrokers(value)).toThrow(message);
  });
});
