// The validator ships no types: samlify calls `validate(xml)`, which resolves or throws.
declare module '@authenio/samlify-xmllint-wasm' {
  export function validate(xml: string): Promise<true>;
}
