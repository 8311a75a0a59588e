#[test] fn placeholder() { todo!() }
