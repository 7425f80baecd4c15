// Conditions of the dialog format ("if": "hardest == 'trust' && !in_call"), compiled once at load
// into small functions of a lookup. Grammar (docs/dialog-format.md):
//   expr := or;  or := and ("||" and)*;  and := unary ("&&" unary)*
//   unary := "!" unary | "(" expr ")" | test;  test := name [("=="|"!=") 'string']
// A name alone is true when the variable is set and not empty.

const tokenPattern = /\s*(\|\||&&|==|!=|!|\(|\)|'[^']*'|[A-Za-z_][A-Za-z0-9_.]*)/y;

function tokenize(text) {
  const tokens = [];
  tokenPattern.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    tokenPattern.lastIndex = at;
    const m = tokenPattern.exec(text);
    if (!m) throw new Error(`cannot read the condition "${text}" at character ${at + 1}`);
    tokens.push(m[1]);
    at = tokenPattern.lastIndex;
  }
  return tokens;
}

// Compiles a condition; the result takes lookup(name) -> string ('' when unset).
export function compileCondition(text) {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (want) => {
    if (tokens[pos] !== want) throw new Error(`expected "${want}" in the condition "${text}"`);
    pos += 1;
  };
  const parseOr = () => {
    let left = parseAnd();
    while (peek() === '||') {
      pos += 1;
      const a = left, b = parseAnd();
      left = (v) => a(v) || b(v);
    }
    return left;
  };
  const parseAnd = () => {
    let left = parseUnary();
    while (peek() === '&&') {
      pos += 1;
      const a = left, b = parseUnary();
      left = (v) => a(v) && b(v);
    }
    return left;
  };
  const parseUnary = () => {
    if (peek() === '!') {
      pos += 1;
      const inner = parseUnary();
      return (v) => !inner(v);
    }
    if (peek() === '(') {
      pos += 1;
      const inner = parseOr();
      take(')');
      return inner;
    }
    const name = tokens[pos];
    if (!name || !/^[A-Za-z_]/.test(name)) throw new Error(`expected a name in the condition "${text}"`);
    pos += 1;
    const op = peek();
    if (op === '==' || op === '!=') {
      pos += 1;
      const literal = tokens[pos];
      if (!literal || literal[0] !== "'") throw new Error(`expected a 'string' in the condition "${text}"`);
      pos += 1;
      const value = literal.slice(1, -1);
      return op === '==' ? (v) => v(name) === value : (v) => v(name) !== value;
    }
    return (v) => v(name) !== '';
  };
  const result = parseOr();
  if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos]}" in the condition "${text}"`);
  return result;
}
