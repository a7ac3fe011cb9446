export { PaperVenue, type PaperVenueOptions } from './paper-venue.ts';
export { Prng } from './prng.ts';
