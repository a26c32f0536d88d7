// The key journeys in firefox (journeys.ts; drivers.ts says how the engine is driven).
import { journeys } from './journeys.ts';

journeys('firefox', { typingRuns: 5 });
