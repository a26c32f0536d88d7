// What makes a passcode acceptable. A six-digit PIN from the top of the
// leaked-PIN lists falls to the first handful of guesses, whatever the key
// derivation costs, so those are refused outright; a passphrase is suggested.
export const MIN_PASSCODE = 6;

// The most common PINs and passwords (the top of the published breach lists:
// DataGenetics' PIN study, NCSC's "100,000 most common passwords", SplashData).
// Short on purpose: it ships with the first screen.
const COMMON = new Set(
  [
    '123456',
    '1234567',
    '12345678',
    '123456789',
    '1234567890',
    '654321',
    '666666',
    '111111',
    '000000',
    '121212',
    '112233',
    '123123',
    '123321',
    '159753',
    '147258',
    '789456',
    '102030',
    '101010',
    '131313',
    '696969',
    '112358',
    '222222',
    '555555',
    '777777',
    '888888',
    '999999',
    '123654',
    '198712',
    '200000',
    '520520',
    '159357',
    '147852',
    '753951',
    '852456',
    '258456',
    '147369',
    '987654',
    '1q2w3e',
    '1q2w3e4r',
    'qwerty',
    'qwerty123',
    'qwertyuiop',
    'password',
    'password1',
    'password123',
    'passw0rd',
    'p@ssw0rd',
    'abc123',
    'abcdef',
    'abcd1234',
    'iloveyou',
    'letmein',
    'welcome',
    'welcome1',
    'monkey',
    'dragon',
    'football',
    'baseball',
    'sunshine',
    'princess',
    'shadow',
    'superman',
    'master',
    'trustno1',
    'starwars',
    'whatever',
    'freedom',
    'charlie',
    'liverpool',
    'arsenal',
    'chelsea',
    'qazwsx',
    'asdfgh',
    'zxcvbn',
    'zxcvbnm',
    'aaaaaa',
    'azerty',
    'secret',
    'changeme',
    'nurse1',
    'nhs123',
    'london',
    'computer',
    'michael',
    'jordan23',
    'hello123',
    'summer',
    'winter',
    'admin123',
    'login1',
    'cse123',
    'passcode',
    'pa55word',
    'football1',
    'killer',
    'hannah',
    'jessica',
    'ashley',
    'daniel',
    'thomas',
  ].map((s) => s.toLowerCase()),
);

function allSame(s: string): boolean {
  return [...s].every((c) => c === s[0]);
}

/** Digits that climb or fall by one each step (123456, 987654, 345678, 890123 wraps are not counted). */
function sequentialDigits(s: string): boolean {
  if (!/^\d+$/.test(s)) return false;
  const steps = [...s].slice(1).map((c, i) => Number(c) - Number(s[i]));
  return steps.every((d) => d === 1) || steps.every((d) => d === -1);
}

/** Why a proposed passcode is not acceptable, or undefined when it is. */
export function passcodeWeakness(passcode: string): string | undefined {
  if (passcode.length < MIN_PASSCODE) return `Use at least ${MIN_PASSCODE} characters`;
  const lower = passcode.toLowerCase();
  if (allSame(passcode)) return 'Do not repeat one character: it is among the first guesses anyone tries';
  if (sequentialDigits(passcode))
    return 'Do not use digits in order, such as 123456: they are among the first guesses anyone tries';
  if (COMMON.has(lower))
    return 'This is one of the most common passcodes, among the first guesses anyone tries. Choose another, such as three or four unrelated words';
  return undefined;
}
