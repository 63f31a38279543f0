import { Button, Form, Modal } from 'antd';
import type { ReactNode } from 'react';

/**
 * A dialog holding one vertical form that ends in its submit button: the console's small "write why / report /
 * answer" dialogs. Closing it throws the typed values away (destroyOnHidden), so it opens empty next time.
 */
export function FormModal<V extends object>(props: {
  open: boolean;
  title: ReactNode;
  submitText: ReactNode;
  onCancel(): void;
  onFinish(values: V): void;
  initialValues?: Partial<V>;
  danger?: boolean;
  width?: number;
  children: ReactNode;
}) {
  return (
    <Modal open={props.open} title={props.title} width={props.width} footer={null} onCancel={props.onCancel} destroyOnHidden>
      <Form<V> layout="vertical" initialValues={props.initialValues} onFinish={props.onFinish}>
        {props.children}
        <Button type="primary" danger={props.danger} htmlType="submit">
          {props.submitText}
        </Button>
      </Form>
    </Modal>
  );
}
