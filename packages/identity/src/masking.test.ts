import { describe, expect, it } from 'vitest';
import { maskAddress, maskName, maskPhone, maskResidentId } from './masking.js';

describe('maskResidentId', () => {
  it('keeps the first 6 and the last 4 characters of an 18-character number', () => {
    expect(maskResidentId('442000194601011234')).toBe('442000********1234');
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
  });

  it('normalises first: full-width digits, lower-case x, spaces', () => {
    expect(maskResidentId(' １１０１０５ １９４９１２３１ ００２ｘ ')).toBe('110105********002X');
  });

  it('masks short values entirely, including 15-digit legacy numbers', () => {
    expect(maskResidentId('1234')).toBe('****');
    expect(maskResidentId('4420001946')).toBe('**********');
    expect(maskResidentId('44200019460101')).toBe('**************');
    expect(maskResidentId('440524800101001')).toBe('***************');
    expect(maskResidentId('44200019460101123')).toBe('*****************');
  });

  it('returns an empty string for empty or blank input', () => {
    expect(maskResidentId('')).toBe('');
    expect(maskResidentId('   ')).toBe('');
  });

  it('never shows the birth date', () => {
    expect(maskResidentId('442000194601011234')).not.toContain('19460101');
  });
});

describe('maskName', () => {
  it('keeps the first character of a Chinese name and masks each other one', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('阿卜杜拉·艾合买提')).toBe('阿********');
  });

  it('drops whitespace inside and around Chinese names', () => {
    expect(maskName(' 张 三丰 ')).toBe('张**');
  });

  it('counts characters outside the BMP as one', () => {
    expect(maskName('𠇔小明')).toBe('𠇔**');
    expect(maskName('王𠇔')).toBe('王*');
  });

  it('keeps the first letter of each word of other names', () => {
    expect(maskName('John Smith')).toBe('J*** S****');
    expect(maskName('  Jean-Luc   Picard ')).toBe('J******* P*****');
    expect(maskName('Ayşe')).toBe('A***');
  });

  it('masks everything when the rule would hide nothing', () => {
    expect(maskName('张')).toBe('*');
    expect(maskName('A')).toBe('*');
    expect(maskName('J K')).toBe('* *');
  });

  it('returns an empty string for empty or blank input', () => {
    expect(maskName('')).toBe('');
    expect(maskName(' \t')).toBe('');
  });
});

describe('maskPhone', () => {
  it('shows the first 3 and last 4 digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('19912345678')).toBe('199****5678');
  });

  it('accepts separators, full-width digits and a +86 / 0086 / 86 prefix', () => {
    expect(maskPhone('138 1234 5678')).toBe('138****5678');
    expect(maskPhone('138-1234-5678')).toBe('138****5678');
    expect(maskPhone('１３８１２３４５６７８')).toBe('138****5678');
    expect(maskPhone('+86 138 1234 5678')).toBe('138****5678');
    expect(maskPhone('0086 13812345678')).toBe('138****5678');
    expect(maskPhone('8613812345678')).toBe('138****5678');
  });

  it('keeps only the last 4 digits of landlines and other numbers', () => {
    expect(maskPhone('0769-22123456')).toBe('********3456');
    expect(maskPhone('(0769) 2212 3456')).toBe('********3456');
    expect(maskPhone('22123456')).toBe('****3456');
    expect(maskPhone('12812345678')).toBe('*******5678');
    expect(maskPhone('+44 20 7946 0958')).toBe('*********0958');
  });

  it('masks short numbers entirely', () => {
    expect(maskPhone('123456')).toBe('******');
    expect(maskPhone('1234')).toBe('****');
    expect(maskPhone('5')).toBe('*');
    expect(maskPhone('1234567')).toBe('***4567');
  });

  it('returns an empty string for empty or blank input', () => {
    expect(maskPhone('')).toBe('');
    expect(maskPhone(' - ')).toBe('');
  });
});

describe('maskAddress', () => {
  it('keeps the first 6 characters and hides the rest behind a fixed ****', () => {
    expect(maskAddress('广东省东莞市南城街道宏图路1号')).toBe('广东省东莞市****');
    expect(maskAddress('广东省东莞市南城街道宏图路1号3栋502房')).toBe('广东省东莞市****');
  });

  it('never keeps more than half of a short address', () => {
    expect(maskAddress('东莞市南城街道1号')).toBe('东莞市南****');
    expect(maskAddress('某村3号')).toBe('某村****');
    expect(maskAddress('某村')).toBe('某****');
    expect(maskAddress('村')).toBe('****');
  });

  it('counts code points and collapses whitespace', () => {
    expect(maskAddress('  𠇔𠇔𠇔𠇔𠇔𠇔𠇔𠇔  ')).toBe('𠇔𠇔𠇔𠇔****');
    expect(maskAddress('12  Long   Street, Dongguan')).toBe('12 Lon****');
  });

  it('returns an empty string for empty or blank input', () => {
    expect(maskAddress('')).toBe('');
    expect(maskAddress('\n ')).toBe('');
  });
});
