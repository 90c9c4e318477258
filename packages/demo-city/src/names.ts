/**
 * Chinese names for synthetic persons: common surnames (weighted roughly as they are common in
 * Guangdong) and given-name characters by sex. Synthetic: any likeness to a real person is chance.
 */
import type { Random } from './random.js';

const SURNAMES: readonly (readonly [string, number])[] = [
  ['陈', 12], ['李', 8], ['黄', 8], ['张', 6], ['梁', 6], ['林', 5], ['刘', 5], ['吴', 4], ['罗', 3], ['何', 4],
  ['郑', 3], ['杨', 3], ['周', 2], ['谢', 2], ['冯', 2], ['郭', 2], ['叶', 2], ['邓', 2], ['曾', 2], ['苏', 2],
  ['卢', 2], ['麦', 1], ['萧', 1], ['欧阳', 1], ['孙', 1], ['许', 1], ['蔡', 1], ['潘', 1], ['朱', 1], ['钟', 1],
  ['王', 3], ['赵', 1], ['徐', 1], ['胡', 1], ['高', 1], ['马', 1], ['余', 1], ['甘', 1], ['古', 1], ['容', 1],
];
const MALE = ['伟', '强', '军', '明', '华', '杰', '文', '斌', '志', '建', '国', '海', '俊', '浩', '宇', '子轩', '家豪', '嘉俊', '锦', '荣', '启', '耀', '振', '辉', '永', '德', '昌', '伟文', '志明', '国华'];
const FEMALE = ['芳', '丽', '敏', '静', '燕', '玲', '娟', '婷', '慧', '欣', '雅', '诗', '晓燕', '嘉欣', '梓涵', '颖', '秀', '凤', '玉', '淑', '美', '霞', '红', '桂', '兰', '莉', '佩', '咏', '晓', '思'];

export function chineseName(random: Random, sex: 'M' | 'F', surname?: string): string {
  const family = surname ?? random.weighted(SURNAMES);
  const given = random.pick(sex === 'M' ? MALE : FEMALE);
  return `${family}${given.length === 1 && random.chance(0.6) ? random.pick(sex === 'M' ? MALE : FEMALE).slice(0, 1) + given : given}`;
}

/** The surname of a full name (two-character surnames included). */
export function surnameOf(name: string): string {
  return SURNAMES.find(([surname]) => surname.length === 2 && name.startsWith(surname))?.[0] ?? name.slice(0, 1);
}
