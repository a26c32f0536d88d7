// Entries as things (issue 26): what a youth worker, a school nurse or an A&E
// nurse types for the same car, number, place or person comes out as one value.
// The reports ask for these entries: 000 L620–L627 (persons, vehicles, places,
// numbers), L707 (details); 002 L1259 (registrations, phone numbers, addresses).
import { describe, expect, it } from 'vitest';
import {
  entriesInText,
  entriesOf,
  getInstrument,
  isWholePlate,
  normaliseHandle,
  normaliseName,
  normalisePhone,
  normalisePostcode,
  normaliseRegistration,
  registrationPrefixes,
} from '../../src/domain/index.ts';

describe('registrations', () => {
  it.each([
    ['MA6 7XY', 'MA67XY'],
    ['ma67xy', 'MA67XY'],
    [' ma6  7xy ', 'MA67XY'],
    ['MA6-7XY', 'MA67XY'],
    ['ab12 cde', 'AB12CDE'],
    ['AB12.CDE', 'AB12CDE'],
    ['MA6 7', 'MA67'],
    ['ab12 c??', 'AB12C'],
    ['AB12 ***', 'AB12'],
  ])('%j → %j', (typed, one) => expect(normaliseRegistration(typed)).toBe(one));

  it.each(['not known', '', '   ', 'n/a', 'silver car'])('%j is no registration to match', (typed) =>
    expect(normaliseRegistration(typed)).toBeUndefined(),
  );

  it('a partial plate stays partial; its known start is among the starts of the whole one', () => {
    expect(isWholePlate('AB12CDE')).toBe(true);
    expect(isWholePlate('AB12')).toBe(true); // a dateless plate has this shape too: the start is matched either way
    expect(isWholePlate('AB12C')).toBe(false);
    expect(registrationPrefixes('MA67XY')).toEqual(['MA67', 'MA67X']);
    expect(registrationPrefixes('MA67XY')).toContain(normaliseRegistration('MA6 7'));
    // Three known characters are too few to link anything.
    expect(registrationPrefixes('MA67XY')).not.toContain('MA6');
  });
});

describe('phone numbers', () => {
  it.each([
    ['07700 900123', '+447700900123'],
    ['07700900123', '+447700900123'],
    ['+44 7700 900123', '+447700900123'],
    ['+447700900123', '+447700900123'],
    ['(07700) 900-123', '+447700900123'],
    ['0044 7700 900 123', '+447700900123'],
    ['+44 (0)7700 900123', '+447700900123'],
    ['+44 07700 900123', '+447700900123'],
    ['0161 496 0000', '+441614960000'],
    ['+1 202 555 0143', '+12025550143'],
    ['900123', '900123'], // part of a number: kept as its digits
  ])('%j → %j', (typed, one) => expect(normalisePhone(typed)).toBe(one));

  it.each(['not known', '123', 'ring him', ''])('%j is no number to match', (typed) =>
    expect(normalisePhone(typed)).toBeUndefined(),
  );
});

describe('postcodes, places, persons and handles', () => {
  it.each([
    ['MA6 7XY', 'MA6 7XY'],
    ['ma67xy', 'MA6 7XY'],
    ['bl1  1aa', 'BL1 1AA'],
    ['M1 1AE', 'M1 1AE'],
    ['wn1-1xx', 'WN1 1XX'],
  ])('postcode %j → %j', (typed, one) => expect(normalisePostcode(typed)).toBe(one));

  it('a partial postcode is no postcode', () => expect(normalisePostcode('BL1')).toBeUndefined());

  it.each([
    ['  Big  JAY. ', 'big jay'],
    ['big jay', 'big jay'],
    ['"Big Jay"', 'big jay'],
    ['Queen’s Park,  Bolton', "queen's park bolton"],
    ['!!!', undefined],
  ])('name or place %j → %j', (typed, one) => expect(normaliseName(typed)).toBe(one));

  it.each([
    ['@Big_Jay', 'big_jay'],
    ['big_jay ', 'big_jay'],
  ])('handle %j → %j', (typed, one) => expect(normaliseHandle(typed)).toBe(one));
});

describe('the entries of a record', () => {
  const GM = getInstrument('gm-information-report')!;
  const WM = getInstrument('wm-information-report')!;

  it("a Greater Manchester report's persons, vehicles, places and numbers, each as a thing", () => {
    const found = entriesOf(GM, {
      persons: [{ name: 'Jason SMITH', nicknames: 'Big Jay, JJ', description: 'tall' }],
      vehicles: [
        { registration: 'ma6 7xy', make: 'Ford' },
        { registration: 'not known', colour: 'silver' },
      ],
      locations: [{ place: 'Chicken shop, 12 High St, BL1 1AA' }, { place: 'bl1 1aa' }],
      contacts: [
        { value: '(07700) 900-123', type: 'phone' },
        { value: '@Big_Jay', type: 'handle' },
      ],
    });
    expect(found.map((f) => [f.kind, f.value, f.item, f.entry, f.field])).toEqual([
      ['person', 'jason smith', 'persons', 0, 'name'],
      ['person', 'big jay', 'persons', 0, 'nicknames'],
      ['person', 'jj', 'persons', 0, 'nicknames'],
      ['registration', 'MA67XY', 'vehicles', 0, 'registration'],
      ['postcode', 'BL1 1AA', 'locations', 0, 'place'],
      ['place', 'chicken shop 12 high st bl1 1aa', 'locations', 0, 'place'],
      ['postcode', 'BL1 1AA', 'locations', 1, 'place'],
      ['phone', '+447700900123', 'contacts', 0, 'value'],
      ['handle', 'big_jay', 'contacts', 1, 'value'],
    ]);
  });

  it('free text where the tool asks for them (002 L1259): registrations, UK numbers, postcodes', () => {
    const text =
      'Girls seen getting into a silver Astra ab12cde outside the shop on Church St, WS1 1AA. ' +
      'He rings her on +44 (0)7700 900123 and 0121 496 0000. Born 01/02/1990.';
    expect(entriesInText(text)).toEqual([
      { kind: 'registration', value: 'AB12CDE' },
      { kind: 'postcode', value: 'WS1 1AA' },
      { kind: 'phone', value: '+447700900123' },
      { kind: 'phone', value: '+441214960000' },
    ]);
    expect(entriesOf(WM, { information: text }).map((f) => f.item)).toEqual(Array(4).fill('information'));
    // Free text a tool does not ask entries for is left alone.
    expect(entriesOf(WM, { 'reporter-phone': '07700 900123' })).toEqual([]);
  });
});
