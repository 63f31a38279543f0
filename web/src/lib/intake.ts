/** The clerk's form as typed, and the body POST /api/v1/cases expects from it. */
export interface IntakeForm {
  text: string;
  anonymous?: boolean;
  callerName?: string;
  callerPhone?: string;
  address?: string;
  category?: string;
  nature?: string;
  urgent?: boolean;
  answer?: string;
}

export function intakeBody(v: IntakeForm, point: [number, number] | null, channel = 'hotline'): Record<string, unknown> {
  const body: Record<string, unknown> = { channel, text: v.text.trim() };
  if (v.category) body.category = v.category;
  if (v.nature) body.nature = v.nature;
  if (v.urgent) body.urgent = true;
  if (v.address?.trim()) body.address = v.address.trim();
  if (point) {
    body.lon = point[0];
    body.lat = point[1];
  }
  // An anonymous caller leaves no contact at all; the server refuses the mix (case.anonymous_with_contact).
  if (v.anonymous) body.reporter = { anonymous: true };
  else {
    const reporter: Record<string, string> = {};
    if (v.callerName?.trim()) reporter.name = v.callerName.trim();
    if (v.callerPhone?.trim()) reporter.phone = v.callerPhone.replace(/[\s-]/g, '');
    if (Object.keys(reporter).length) body.reporter = reporter;
  }
  return body;
}

/**
 * The intake field a refusal of POST /api/v1/cases is about — by its error code, or for a schema refusal
 * (request.invalid) by the first invalid path — so the form marks that field and puts the focus there.
 */
export function intakeErrorField(code: string | undefined, path?: string): keyof IntakeForm | null {
  switch (code) {
    case 'case.empty_text':
      return 'text';
    case 'case.bad_phone':
      return 'callerPhone';
    case 'case.anonymous_with_contact':
      return 'anonymous';
    case 'case.unknown_category':
    case 'case.category_required':
      return 'category';
    case 'case.unknown_nature':
      return 'nature';
    case 'case.outside_city':
    case 'case.bad_location':
    case 'case.outside_scope':
      return 'address';
  }
  const field = (path ?? '').replace(/^\/?(body[./])?/, '').replace(/\//g, '.'); // body.reporter.phone, /reporter/phone
  const byPath: Record<string, keyof IntakeForm> = { text: 'text', 'reporter.phone': 'callerPhone', 'reporter.name': 'callerName', address: 'address', lon: 'address', lat: 'address', category: 'category', nature: 'nature' };
  return byPath[field] ?? null;
}
