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
