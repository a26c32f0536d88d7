// The key journeys in chromium (journeys.ts; drivers.ts says how the engine is driven).
import { journeys } from './journeys.ts';

journeys('chromium', { typingRuns: 5 });
