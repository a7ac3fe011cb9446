// Display rounding for the decimal strings the API sends: at most `places`
// decimals, half up, on the digits themselves (never through a float), with
// trailing zeros dropped. The exact value stays in the element's title.
export function displayDecimal(text, places = 8) {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match || match[3] === undefined || match[3].length <= places) return text;
  const [, sign, whole, fraction] = match;
  let scaled = BigInt(whole + fraction.slice(0, places));
  if (fraction.charCodeAt(places) >= 53 /* '5' */) scaled += 1n;
  const digits = scaled.toString().padStart(places + 1, '0');
  const rounded = `${digits.slice(0, -places)}.${digits.slice(-places)}`.replace(/\.?0+$/, '');
  return scaled === 0n ? '0' : `${sign}${rounded}`;
}

/** Writes a rounded decimal into an element, keeping the exact figure as its tooltip. */
export function showDecimal(element, text, suffix = '') {
  element.textContent = `${displayDecimal(text)}${suffix}`;
  element.title = `${text}${suffix}`;
}
