// Where a record's submission stands, in the three words the result uses.
import type { OutboxRow } from '../store/db.ts';
export { routedTeam, stepsToShow, type RoutedTeam } from '../shared-ui/report-routing.ts';

export type Delivery = 'delivered' | 'waiting' | 'not-sent';

export function deliveryOf(sent: OutboxRow | undefined): Delivery {
  if (!sent || sent.state === 'rejected') return 'not-sent';
  return sent.state === 'delivered' ? 'delivered' : 'waiting';
}
