/**
 * Splits a command line into words the way a POSIX shell would (quotes, backslashes), without running
 * a shell. Shell syntax that only a shell understands (pipes, redirects, `;`, `&&`, `$(...)`) is
 * refused with a hint, rather than passed on as literal arguments that would surprise the caller.
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new ShellSyntaxError("has an unclosed single quote");
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new ShellSyntaxError("has an unclosed double quote");
        const c = line[i] as string;
        if (c === '"') break;
        if (c === "\\" && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1] as string)) {
          word += line[i + 1];
          i += 2;
          continue;
        }
        if (c === "$" || c === "`") throw shellOnly(c);
        word += c;
        i++;
      }
      inWord = true;
      i++;
    } else if (ch === "\\") {
      if (i + 1 < line.length) word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if ("|&;<>()`$".includes(ch)) {
      throw shellOnly(ch);
    } else if ("*?[".includes(ch)) {
      // A shell would expand the glob; passed on literally it would name a file that does not exist.
      throw shellOnly(ch);
    } else if (!inWord && (ch === "#" || ch === "~")) {
      throw shellOnly(ch);
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  // `FOO=1 cmd` sets a variable for cmd in a shell; without one, "FOO=1" would be run as a program.
  if (words[0] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) throw shellOnly("=");
  return words;
}

export class ShellSyntaxError extends Error {
  constructor(problem: string) {
    super(`The command ${problem}.`);
    this.name = "ShellSyntaxError";
  }
}

function shellOnly(ch: string): ShellSyntaxError {
  return new ShellSyntaxError(
    `uses shell syntax (${ch}) but is run without a shell; to use a shell, pass an array such as ["sh", "-c", "your | command"]`,
  );
}
