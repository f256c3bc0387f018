/** Text made safe for SVG and HTML, in element content and attribute values alike. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export type Attributes = Readonly<Record<string, string | number>>;

/** An SVG element with a hover title: the browser shows it as a tooltip, the page's script in its info bar. */
export function titled(tag: string, attributes: Attributes, title: string, children = ''): string {
  return `<${tag}${attributeText(attributes)}><title>${escapeXml(title)}</title>${children}</${tag}>`;
}

export function element(tag: string, attributes: Attributes, children = ''): string {
  return children === '' ? `<${tag}${attributeText(attributes)}/>` : `<${tag}${attributeText(attributes)}>${children}</${tag}>`;
}

function attributeText(attributes: Attributes): string {
  return Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${typeof value === 'number' ? round(value) : escapeXml(value)}"`)
    .join('');
}

/** Coordinates to a tenth of a pixel: finer only makes the file larger. */
function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}
