/** The demo city generator (see `city.ts`). */
export { ASSUMPTIONS, FULL_CITY_PERSONS, SEED_FIGURES, generateCity, type CityOptions, type DemoCity, type DemoHousehold, type DemoPerson, type DemoStaff } from './city.js';
export { Random } from './random.js';
