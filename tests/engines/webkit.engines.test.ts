// The key journeys in WebKitGTK, Safari's engine (journeys.ts; drivers.ts says how it is driven). The
// child reference is typed the moment its screen appears 20 times here: where the bug was seen.
import { journeys } from './journeys.ts';

journeys('webkit', { typingRuns: 20 });
