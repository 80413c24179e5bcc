import ts from 'typescript';

export interface FloatingPromise {
  file: string;
  line: number;
  text: string;
}

/*
 * A promise whose rejection nobody awaits is an unhandled rejection waiting to happen (the latency suite's
 * `void dut.ledSet(...)` under `--sim-fault ack-drop:0.05`). This finds, with the type checker, every statement
 * that drops a promise: `p();`, `void p();`, and `p;` where p is thenable. Biome's rule for this has no type
 * information here, so the runner's own tests call this over the shipped suites instead.
 */
export function findFloatingPromises(files: readonly string[], tsconfig: string): FloatingPromise[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${tsconfig}`);
  const program = ts.createProgram({ rootNames: [...files], options: { ...parsed.options, noEmit: true } });
  const checker = program.getTypeChecker();
  const found: FloatingPromise[] = [];
  const isThenable = (node: ts.Expression): boolean => {
    const type = checker.getTypeAtLocation(node);
    return [type, ...(type.isUnion() ? type.types : [])].some((t) => {
      const then = t.getProperty('then');
      return !!then && checker.getTypeOfSymbolAtLocation(then, node).getCallSignatures().length > 0;
    });
  };
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`${file} is not part of ${tsconfig}`);
    const visit = (node: ts.Node): void => {
      if (ts.isExpressionStatement(node)) {
        const e = ts.isVoidExpression(node.expression) ? node.expression.expression : node.expression;
        if (!ts.isAwaitExpression(e) && isThenable(e)) {
          const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
          found.push({ file, line: line + 1, text: node.getText(sf) });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}
