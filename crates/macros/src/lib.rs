//! Roster's attribute macros. Use them through `roster_core` (`roster_core::time::timestamps`).

use proc_macro::TokenStream;
use quote::{quote, ToTokens};
use syn::{parse_macro_input, parse_quote, Data, DeriveInput, Fields, LitStr, Type};

/// `#[timestamps(seconds)]` or `#[timestamps(millis, example = "...")]` on a struct, above its
/// derives: every field of type `Timestamp` without a `#[serde]` attribute of its own is
/// written on the wire and in the OpenAPI schema by that one rule (RFC 3339 string with
/// `roster_core::time::seconds` or `millis`, `format: date-time`, the optional example).
#[proc_macro_attribute]
pub fn timestamps(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut precision: Option<syn::Ident> = None;
    let mut example: Option<LitStr> = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("example") {
            example = Some(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("seconds") || meta.path.is_ident("millis") {
            precision = meta.path.get_ident().cloned();
            Ok(())
        } else {
            Err(meta.error("expected `seconds`, `millis` or `example = \"...\"`"))
        }
    });
    parse_macro_input!(args with parser);
    let mut input = parse_macro_input!(item as DeriveInput);
    let Some(precision) = precision else {
        return syn::Error::new_spanned(&input.ident, "#[timestamps] needs `seconds` or `millis`")
            .to_compile_error()
            .into();
    };
    let Data::Struct(data) = &mut input.data else {
        return syn::Error::new_spanned(&input.ident, "#[timestamps] is for structs")
            .to_compile_error()
            .into();
    };
    let Fields::Named(fields) = &mut data.fields else {
        return syn::Error::new_spanned(&input.ident, "#[timestamps] needs named fields")
            .to_compile_error()
            .into();
    };
    let with = LitStr::new(&format!("roster_core::time::{precision}"), precision.span());
    let example = example.map(|e| quote!(, example = #e));
    for field in fields.named.iter_mut() {
        let has_serde = field.attrs.iter().any(|a| a.path().is_ident("serde"));
        if has_serde || !is_timestamp(&field.ty) {
            continue;
        }
        field.attrs.push(parse_quote!(#[serde(with = #with)]));
        field
            .attrs
            .push(parse_quote!(#[schema(value_type = String, format = DateTime #example)]));
    }
    input.into_token_stream().into()
}

/// Whether `ty` is spelled `Timestamp` (`roster_core::time::Timestamp`, or a path ending in it).
fn is_timestamp(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => {
            p.qself.is_none()
                && p.path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "Timestamp")
        }
        _ => false,
    }
}
