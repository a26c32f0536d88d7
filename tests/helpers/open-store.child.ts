// Opens the receiver's store on the database named in argv[2] (migrating it as a starting server does) in a
// process of its own, then closes it and prints "opened". Tests start several at once on one empty database.
import { randomBytes } from 'node:crypto';
import { Envelope } from '../../src/receiver/store/envelope.ts';
import { ReceiverStore } from '../../src/receiver/store/receiver-store.ts';
// Every table the server makes (the inbox's too, triggers included).
import '../../src/inbox-server/plugin.ts';

const store = await ReceiverStore.open({
  database: process.argv[2]!,
  envelope: new Envelope(randomBytes(32), 'child'),
});
await store.close();
console.log('opened');
