// Types of format.js (plain JavaScript: the browser runs it as it is).
export declare function displayDecimal(text: string, places?: number): string;
export declare function showDecimal(
  element: { textContent: string | null; title: string },
  text: string,
  suffix?: string,
): void;
