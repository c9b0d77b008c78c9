// fill puts params into a message's {name} placeholders, for the pages
// and the room alike. A name before さん is joined as Japanese writes it:
// 山田 花子さん, but Emma Wilson さん (a Latin letter or a digit last),
// like rooms.San on the server.
export function fill(template, params = {}) {
  return template.replace(/\{(\w+)\}(さん)?/g, (_, k, san) => {
    const v = String(params[k] ?? "");
    return san ? `${v}${/[\p{Script=Latin}0-9]$/u.test(v.trim()) ? " " : ""}さん` : v;
  });
}
