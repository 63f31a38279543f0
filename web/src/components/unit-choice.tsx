import { Form, Select } from 'antd';
import { unitOptions, useDepartments } from '../api/reference.ts';
import { useLocale } from '../i18n/locale.tsx';

/**
 * 主办单位 (and, with `co`, 协办单位): the unit a dispatch goes to, one field for every dispatch form (立案并派遣,
 * 派遣, 改派). Left empty, the server asks the catalogue (权责清单); `hint` says what empty or prefilled means here.
 * Only active units are offered, by name with the code, so two units of the same name stay apart.
 */
export function UnitChoice({ hint, co = false }: { hint: string; co?: boolean }) {
  const { t, locale } = useLocale();
  const departments = useDepartments();
  const options = unitOptions(departments, locale);
  return (
    <>
      <Form.Item label={t('field.department')} name="department" extra={hint}>
        <Select showSearch optionFilterProp="label" allowClear options={options} data-testid="main-unit" />
      </Form.Item>
      {co && (
        <Form.Item label={t('field.co_departments')} name="coDepartments">
          <Select mode="multiple" showSearch optionFilterProp="label" allowClear options={options} data-testid="co-units" />
        </Form.Item>
      )}
    </>
  );
}
