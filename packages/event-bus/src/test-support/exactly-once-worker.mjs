// A consumer process for exactly-once.int.test.ts, which kills it (SIGKILL) mid-stream and
// restarts it. Its effect: one document per event id in the store (an insert; a redelivered
// event hits the unique _id and is recorded in "redeliveries" instead). Inserts, not upserts:
// FerretDB v1 on SQLite scans the collection for every update (25/s at 10,000 documents),
// while inserts stay fast.
// SIGTERM stops it gracefully (commits what it processed).
import { CATALOG, ContractRegistry } from '@minzheng/contracts';
import { createKafka } from '@minzheng/event-bus/client';
import { EventConsumer } from '@minzheng/event-bus/consumer';
import { createKeyring } from '@minzheng/identity/field-crypto';
import mongoose from 'mongoose';

const { BROKERS, TOPIC, GROUP, MONGO_URL, KEY_B64 } = process.env;
if (!BROKERS || !TOPIC || !GROUP || !MONGO_URL || !KEY_B64) throw new Error('BROKERS, TOPIC, GROUP, MONGO_URL and KEY_B64 are required');

const connection = await mongoose.createConnection(MONGO_URL).asPromise();
const effects = connection.collection('effects');
const redeliveries = connection.collection('redeliveries');
const registry = new ContractRegistry({ events: CATALOG.events.map((event) => ({ ...event, topic: TOPIC })) });
const consumer = new EventConsumer({
  kafka: createKafka({ brokers: BROKERS.split(','), clientId: `exactly-once-worker-${process.pid}` }),
  registry,
  keyring: createKeyring({ k1: Buffer.from(KEY_B64, 'base64') }, 'k1'),
  groupId: GROUP,
  topics: [TOPIC],
  maxWaitTimeInMs: 200,
  handler: async (event) => {
    try {
      await effects.insertOne({ _id: event.eventId, partition: event.partition, offset: event.offset });
    } catch (error) {
      if (error?.code !== 11000) throw error;
      await redeliveries.insertOne({ eventId: event.eventId, pid: process.pid });
    }
  },
});
await consumer.start();
// Progress to the test over IPC (polling the store for it would slow the store down).
setInterval(() => process.send?.({ handled: consumer.metrics().handled }), 100).unref();
process.on('SIGTERM', () => {
  void consumer
    .stop()
    .then(() => connection.close())
    .then(() => process.exit(0));
});
