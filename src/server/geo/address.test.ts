import { describe, expect, it } from 'vitest';
import { addressKey, chineseToDigits, parseAddress, sameAddress } from './address.ts';

describe('address normalisation', () => {
  it('reads every part of a full address', () => {
    expect(parseAddress('浙江省示范市东城区文昌街道荣园社区幸福路12号阳光花园3栋2单元5层501室')).toMatchObject({
      province: '浙江省',
      city: '示范市',
      district: '东城区',
      street: '文昌街道',
      community: '荣园社区',
      road: '幸福路',
      number: '12',
      estate: '阳光花园',
      building: '3',
      unit: '2',
      floor: '5',
      room: '501',
      key: '幸福路12号3栋2单元501室',
    });
  });

  it('gives full-width digits, Chinese numerals and spaces the same key', () => {
    const a = parseAddress('东城区幸福路12号3栋2单元501室');
    const b = parseAddress('幸福路 １２号 三栋 二单元 501');
    expect(b.key).toBe(a.key);
    expect(sameAddress(a, b)).toBe(true);
    expect(addressKey('幸福路十二号三幢二单元五零一室')).toBe(a.key);
    expect(addressKey('幸福路12号3号楼2单元501房')).toBe(a.key);
    expect(addressKey('幸福路12号3-2-501')).toBe(a.key);
    expect(addressKey('幸福路12#3栋2单元501')).toBe(a.key);
  });

  it('keeps different houses apart', () => {
    expect(sameAddress('幸福路12号3栋2单元501室', '幸福路12号3栋2单元502室')).toBe(false);
    expect(sameAddress('幸福路12号3栋2单元501室', '幸福路21号3栋2单元501室')).toBe(false);
    expect(sameAddress('幸福路12号3栋2单元501室', '幸福街12号3栋2单元501室')).toBe(false);
    // the same door number in another district is another house
    expect(sameAddress('东城区幸福路12号3栋2单元501室', '西湖区幸福路12号3栋2单元501室')).toBe(false);
  });

  it('does not mistake a road that starts with 市 for a city, nor a 街道 office for a road', () => {
    expect(parseAddress('东城区市心路8号')).toMatchObject({ district: '东城区', road: '市心路', number: '8' });
    expect(parseAddress('文昌街道文昌街16号')).toMatchObject({ street: '文昌街道', road: '文昌街', number: '16' });
    expect(parseAddress('解放大道100-2号')).toMatchObject({ road: '解放大道', number: '100-2' });
    expect(parseAddress('桃花巷7号院2号楼')).toMatchObject({ road: '桃花巷', number: '7', building: '2' });
  });

  it('keeps what it cannot place instead of dropping it', () => {
    const p = parseAddress('幸福路与解放路交叉口东南角');
    expect(p.road).toBe('幸福路');
    expect(p.rest).toBe('与解放路交叉口东南角');
    expect(parseAddress('市民中心').key).toBe('');
  });

  it('converts Chinese numerals positionally or digit by digit', () => {
    expect(chineseToDigits('十二')).toBe('12');
    expect(chineseToDigits('二十一')).toBe('21');
    expect(chineseToDigits('一百零五')).toBe('105');
    expect(chineseToDigits('五零一')).toBe('501');
    expect(chineseToDigits('007')).toBe('7');
  });
});
