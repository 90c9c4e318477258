import { createHash } from 'node:crypto';
import { isValidResidentId, parseResidentId } from '@minzheng/identity/resident-id';
import { describe, expect, it } from 'vitest';
import { FULL_CITY_PERSONS, SEED_FIGURES, generateCity, type DemoCity } from './city.js';

const digest = (city: DemoCity) => createHash('sha256').update(JSON.stringify(city)).digest('hex');
const ageOn = (birthDate: string, on: string) => Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4)) - (on.slice(5) < birthDate.slice(5) ? 1 : 0);

describe('the demo city', () => {
  const city = generateCity({ persons: 50_000, seed: 7 });

  it('is the same city from the same seed, another from another', () => {
    expect(digest(generateCity({ persons: 2_000, seed: 7 }))).toBe(digest(generateCity({ persons: 2_000, seed: 7 })));
    expect(digest(generateCity({ persons: 2_000, seed: 8 }))).not.toBe(digest(generateCity({ persons: 2_000, seed: 7 })));
  });

  it('has the asked number of persons, each with a valid, unique ID number whose birth date and sex are theirs', () => {
    expect(city.persons).toHaveLength(50_000);
    expect(new Set(city.persons.map((person) => person.idNumber)).size).toBe(50_000);
    for (const person of city.persons.slice(0, 5_000)) {
      expect(isValidResidentId(person.idNumber, new Date('2026-12-01T00:00:00Z')), person.idNumber).toBe(true);
      const info = parseResidentId(person.idNumber, new Date('2026-12-01T00:00:00Z'));
      expect(info.birthDate).toBe(person.birthDate);
      expect(info.sex === 'M' ? 'M' : 'F').toBe(person.sex);
      expect(person.name).toMatch(/^[\u4e00-\u9fff]{2,4}$/u);
    }
  });

  it('lives in the region table’s 23 towns and their villages; households fit their members', () => {
    expect(city.towns).toHaveLength(23);
    expect(city.villages.length).toBeGreaterThanOrEqual(100);
    const villages = new Set(city.villages.map((village) => village.code));
    const byId = new Map(city.persons.map((person) => [person.personId, person]));
    for (const home of city.households) {
      expect(villages.has(home.villageCode)).toBe(true);
      const members = home.memberIds.map((id) => byId.get(id));
      const head = members.find((member) => member?.relationToHead === 'HEAD');
      expect(head).toBeDefined();
      for (const member of members) {
        expect(member?.householdId).toBe(home.householdId);
        if (member?.relationToHead === 'CHILD' && head !== undefined) expect(ageOn(head.birthDate, city.asOf) - ageOn(member.birthDate, city.asOf)).toBeGreaterThanOrEqual(19);
      }
    }
  });

  it('has the seed proportions, scaled: 低保, 低收入, 特困, the 80+, child records', () => {
    const scale = 50_000 / FULL_CITY_PERSONS;
    const dibao = city.households.filter((home) => home.program === 'DIBAO');
    expect(dibao).toHaveLength(Math.round(SEED_FIGURES.dibaoHouseholds * scale));
    const dibaoPersons = dibao.reduce((sum, home) => sum + home.memberIds.length, 0);
    expect(Math.abs(dibaoPersons - SEED_FIGURES.dibaoPersons * scale) / (SEED_FIGURES.dibaoPersons * scale)).toBeLessThan(0.15);
    expect(city.households.filter((home) => home.program === 'LOW_INCOME')).toHaveLength(Math.round(SEED_FIGURES.lowIncomeHouseholds * scale));
    expect(city.persons.filter((person) => person.tekun)).toHaveLength(Math.round(SEED_FIGURES.tekunPersons * scale));
    const aged80 = city.persons.filter((person) => ageOn(person.birthDate, city.asOf) >= 80).length;
    expect(Math.abs(aged80 - SEED_FIGURES.aged80Plus * scale) / (SEED_FIGURES.aged80Plus * scale)).toBeLessThan(0.1);
    const records = city.persons.filter((person) => person.childCategory !== null);
    expect(records).toHaveLength(Math.round(SEED_FIGURES.childRecords * scale));
    expect(records.every((person) => ageOn(person.birthDate, city.asOf) < 18)).toBe(true);
    const byHousehold = new Map(city.persons.map((person) => [person.householdId + person.relationToHead, person]));
    for (const child of records.filter((person) => person.childCategory === 'LEFT_BEHIND')) expect(byHousehold.get(`${child.householdId}HEAD`)?.livingTogether).toBe(false);
  });

  it('has a staff directory: a grid worker and a 儿童主任 in every village, the town and city roles', () => {
    for (const village of city.villages) {
      expect(city.staff.filter((member) => member.regionCode === village.code).map((member) => member.role).sort()).toEqual(['CHILD_DIRECTOR', 'GRID_WORKER']);
    }
    expect(city.staff.filter((member) => member.role === 'SUPERVISOR')).toHaveLength(24);
    expect(new Set(city.staff.map((member) => member.id)).size).toBe(city.staff.length);
  });
});
